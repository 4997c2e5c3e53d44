ALTER TABLE "units" ADD COLUMN "logo" jsonb;--> statement-breakpoint
ALTER TABLE "units" ADD COLUMN "letterhead" jsonb;