export { n as openDeployment, r as secretsOf } from "./deployment-BrAFRAga.mjs";
