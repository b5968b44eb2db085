export { t as StoreImageResolver } from "./store-image-resolver-ztlGLEUV.mjs";
