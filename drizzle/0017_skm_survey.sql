CREATE TABLE "survey_responses" (
	"case_id" text PRIMARY KEY NOT NULL,
	"scores" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"comment" text,
	"skipped" boolean DEFAULT false NOT NULL,
	"channel" text,
	"answered_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "survey_responses" ADD CONSTRAINT "survey_responses_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "survey_responses_answered" ON "survey_responses" USING btree ("answered_at");--> statement-breakpoint
CREATE INDEX "cases_reopen_window" ON "cases" USING btree ("id") WHERE "cases"."reopen_until" is not null;