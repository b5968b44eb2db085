export { a as jobDedupKey } from "./job-27BlS2A5.mjs";
