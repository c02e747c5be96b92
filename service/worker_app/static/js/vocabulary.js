// Plain words for the service's codes: the independence scale and the concerns list (as the domain defines them).

/** The 0–5 independence scale, each level with its plain-English meaning. */
export const LEVELS = [
  [0, "cannot do it; full assistance of two"],
  [1, "maximal assistance of one"],
  [2, "moderate assistance"],
  [3, "minimal hands-on assistance"],
  [4, "supervision, prompting or set-up only"],
  [5, "independent (with or without equipment)"],
];

/** Visit concerns: the code the API takes, and the word a worker reads. */
export const CONCERNS = [
  ["fall", "Fall"],
  ["pain", "Pain"],
  ["deterioration", "Deterioration"],
  ["safeguarding", "Safeguarding"],
  ["medication", "Medication"],
  ["equipment", "Equipment"],
  ["skin_integrity", "Skin integrity"],
  ["nutrition", "Nutrition"],
  ["other", "Other"],
];

/** Wellbeing, 1–5, optional. */
export const WELLBEING = [
  [1, "very low"],
  [2, "low"],
  [3, "okay"],
  [4, "good"],
  [5, "very good"],
];

/** "4 – supervision, prompting or set-up only" */
export function levelText(level) {
  const found = LEVELS.find(([value]) => value === level);
  return found ? `${level} – ${found[1]}` : String(level);
}

/** API field names as a worker would say them, for the server's error messages. */
const FIELD_WORDS = {
  occurred_at: "Visit time",
  duration_minutes: "Duration",
  carers: "Carers",
  goal_progress: "Goals",
  wellbeing: "Wellbeing",
  concerns: "Concerns",
  note: "Note",
  ready_for_discharge: "Ready for discharge",
  episode_id: "Person",
  id: "Visit",
};

export function fieldWords(field) {
  const head = String(field).split(".")[0];
  return FIELD_WORDS[head] || head;
}
