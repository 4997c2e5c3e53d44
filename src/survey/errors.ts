// The errors of src/survey, in one place: each has a code; one a person reads has a message key.
/** A survey file that cannot be used: the service does not start asking a wrong questionnaire. */
export class SurveyFileError extends Error {
  override readonly name = 'SurveyFileError';
  readonly code = 'survey_file';
}
