import { t as require_dist_cjs } from "./dist-cjs-Bm4QLoek.mjs";
export default require_dist_cjs();
export {};
