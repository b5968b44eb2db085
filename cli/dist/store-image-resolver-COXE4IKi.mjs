export { t as StoreImageResolver } from "./store-image-resolver-DclKz7_R.mjs";
