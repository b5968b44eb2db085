export { t as RecipeImageBuilder } from "./recipe-image-builder-BJJJVd2p.mjs";
