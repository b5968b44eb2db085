export { n as Planner } from "./planner-CegE1sch.mjs";
