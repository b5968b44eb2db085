export { n as describeScope } from "./forge-CSA4ojXu.mjs";
