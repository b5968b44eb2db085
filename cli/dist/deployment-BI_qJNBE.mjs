export { n as openDeployment, r as secretsOf } from "./deployment-54NXjXR4.mjs";
