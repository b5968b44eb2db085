export { n as Planner } from "./planner-C346VO-A.mjs";
