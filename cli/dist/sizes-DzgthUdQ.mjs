export { t as formatBytes } from "./sizes-DxfaEJ6B.mjs";
