export { t as StoreImageResolver } from "./store-image-resolver-h1TCUzUy.mjs";
