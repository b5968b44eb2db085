export { t as formatBytes } from "./sizes-BY3aa-3c.mjs";
