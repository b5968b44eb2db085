export { n as Planner } from "./planner-BAtwNGqo.mjs";
