export { n as openDeployment, r as secretsOf } from "./deployment-8U1RNmaL.mjs";
