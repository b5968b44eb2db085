export { n as Planner } from "./planner-BkxyggwL.mjs";
