CREATE TABLE "paused_lines" (
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"head_message_id" text NOT NULL,
	"last_error" text,
	"paused_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "paused_lines_channel_address_pk" PRIMARY KEY("channel","address")
);
--> statement-breakpoint
CREATE UNIQUE INDEX "paused_lines_head" ON "paused_lines" USING btree ("head_message_id");