export { r as RecipeInputError, i as loadImageRecipe, o as recipeFile } from "./image-recipe-CMy9xAFv.mjs";
