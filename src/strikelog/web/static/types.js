// ACLED event types: one colour each, shared by the map, the timeline and the legend.

export const TYPE_COLOURS = {
  "Battles": "#c0392b",
  "Explosions/Remote violence": "#e67e22",
  "Violence against civilians": "#8e44ad",
  "Strategic developments": "#27ae60",
  "Protests": "#2980b9",
  "Riots": "#7f5539",
};
export const OTHER_COLOUR = "#7f8c8d";

export const colourOf = (eventType) => TYPE_COLOURS[eventType] || OTHER_COLOUR;

const regionNames = typeof Intl.DisplayNames === "function" ? new Intl.DisplayNames(["en"], { type: "region" }) : null;

/** "UA" -> "Ukraine" (from the browser's own tables, offline); the code itself when unknown. */
export function countryName(code) {
  if (!code) return "";
  try {
    return regionNames?.of(code) || code;
  } catch {
    return code;
  }
}

/** The words a number may be written as in a report ("3", "three"), for highlighting. */
const NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
  "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen", "eighteen", "nineteen", "twenty"];
export function numberTerms(n) {
  if (n === null || n === undefined) return [];
  const terms = [String(n), n.toLocaleString("en-US")];
  if (n < NUMBER_WORDS.length) terms.push(NUMBER_WORDS[n]);
  if (n === 0) terms.push("no");
  return terms;
}
