export { n as openDeployment, r as secretsOf } from "./deployment-CsVK2vhl.mjs";
