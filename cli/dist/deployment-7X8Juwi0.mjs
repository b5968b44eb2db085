export { n as openDeployment, r as secretsOf } from "./deployment-BV_6sw9J.mjs";
