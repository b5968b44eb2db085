export { r as blobName } from "./image-reference-CqQE2fCC.mjs";
