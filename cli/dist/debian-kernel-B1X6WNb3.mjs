export { t as debianKernel, n as defaultCacheDir, r as moduleLoadOrder } from "./debian-kernel-DJ8RXD2g.mjs";
