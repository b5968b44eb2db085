export { n as openDeployment, r as secretsOf } from "./deployment-DEjc2aPM.mjs";
