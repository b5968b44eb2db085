export { t as BusyboxImageBuilder } from "./busybox-image-builder-Q-lEIcjW.mjs";
