/**
 * Images in and out of the engine: validating and normalising uploaded first frames (sharp), and
 * encoding raw RGB frames to PNG bytes and back (pngjs) for the store and the wire.
 */
export { normaliseUploadedImage, type NormalisedImage } from './upload'
export { encodeRgbFrame, decodePngFrame, type RgbFrame } from './frames'
