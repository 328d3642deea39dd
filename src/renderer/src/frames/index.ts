/** Drawing encoded (PNG) video frames: object URLs and a crisp, scaled-up frame. */
export { PixelFrame, useFrameUrl } from './PixelFrame'
