export { r as RecipeInputError, i as loadImageRecipe, o as recipeFile } from "./image-recipe-B7kemSZ7.mjs";
