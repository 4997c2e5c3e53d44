ALTER TABLE "step_instances" ADD COLUMN "paused_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "step_instances" ADD COLUMN "pause_until" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "step_instances" ADD COLUMN "paused_ms" bigint DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "step_instances" ADD COLUMN "pause_rung" integer;--> statement-breakpoint
ALTER TABLE "step_instances" ADD COLUMN "clock_epoch" integer DEFAULT 0 NOT NULL;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "escalation_ceiling" text;