CREATE TABLE "sop_active" (
	"sop_id" text PRIMARY KEY NOT NULL,
	"version" integer NOT NULL,
	"activated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"activated_by" text
);
--> statement-breakpoint
ALTER TABLE "sop_definitions" ADD COLUMN "source" text DEFAULT 'file' NOT NULL;--> statement-breakpoint
ALTER TABLE "sop_definitions" ADD COLUMN "uploaded_by" text;--> statement-breakpoint
ALTER TABLE "sop_definitions" ADD COLUMN "activated_at" timestamp with time zone;--> statement-breakpoint
-- Until now the newest version was the one new cases took: it stays active.
INSERT INTO "sop_active" ("sop_id", "version") SELECT "sop_id", max("version") FROM "sop_definitions" GROUP BY "sop_id";
