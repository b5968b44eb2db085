export { n as Planner } from "./planner-DIH6mE29.mjs";
