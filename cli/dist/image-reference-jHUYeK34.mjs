export { r as blobName } from "./image-reference-t7zZk7rK.mjs";
