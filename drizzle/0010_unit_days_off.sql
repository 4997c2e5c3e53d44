CREATE TABLE "unit_days_off" (
	"unit_id" text NOT NULL,
	"date" text NOT NULL,
	"off" boolean NOT NULL,
	"reason" text NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "unit_days_off_unit_id_date_pk" PRIMARY KEY("unit_id","date")
);
--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "hours_periods" jsonb DEFAULT '[]'::jsonb NOT NULL;--> statement-breakpoint
ALTER TABLE "unit_days_off" ADD CONSTRAINT "unit_days_off_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;