/** Drawing encoded (PNG) video frames: cached object URLs and a crisp, scaled-up frame. */
export { frameUrl, PixelFrame } from './PixelFrame'
