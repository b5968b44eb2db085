export { n as openDeployment, r as secretsOf } from "./deployment-Byen5yWD.mjs";
