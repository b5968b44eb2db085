export { i as runnerNameTime } from "./jit-runner-launcher-CLjcinJJ.mjs";
