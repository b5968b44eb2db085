export { n as Planner } from "./planner-BRDWxI-P.mjs";
