// The public face of src/survey (the SKM survey): other folders import from here, not from the modules inside.
export { type IkmFigure, ikmOf, type UnsurTally } from './ikm.js';
export {
  inLanguage,
  loadSurveyQuestions,
  type SurveyQuestions,
  shippedSurveyQuestions,
  UNSUR_IDS,
  type UnsurId,
} from './questions.js';
export { answerSurvey, completeScores, surveyOpen } from './responses.js';
