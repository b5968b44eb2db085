export { n as Planner } from "./planner-Ce5fLM1S.mjs";
