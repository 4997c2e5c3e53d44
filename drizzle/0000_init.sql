CREATE TABLE "case_events" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"at" timestamp with time zone NOT NULL,
	"kind" text NOT NULL,
	"actor" text NOT NULL,
	"instance_id" text,
	"step_id" text,
	"action" text,
	"note" text,
	"attachments" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"target" text
);
--> statement-breakpoint
CREATE TABLE "cases" (
	"id" text PRIMARY KEY NOT NULL,
	"ticket" text NOT NULL,
	"sop_id" text NOT NULL,
	"sop_version" integer NOT NULL,
	"unit_id" text NOT NULL,
	"stakeholder_id" text,
	"opened_by" text,
	"category" text,
	"subject" text,
	"body" text,
	"channel" text,
	"status" text NOT NULL,
	"outcome" text,
	"opened_at" timestamp with time zone NOT NULL,
	"closed_at" timestamp with time zone,
	"step_seq" integer NOT NULL,
	"path" jsonb NOT NULL,
	"open_instance_id" text,
	CONSTRAINT "cases_ticket_unique" UNIQUE("ticket")
);
--> statement-breakpoint
CREATE TABLE "channel_links" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"owner_kind" text NOT NULL,
	"owner_id" text NOT NULL,
	"channel" text NOT NULL,
	"address" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"last_error" text,
	"last_seen_at" timestamp with time zone DEFAULT now() NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "delegations" (
	"id" bigserial PRIMARY KEY NOT NULL,
	"official_id" text NOT NULL,
	"delegate_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"created_by" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "messages" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text,
	"instance_id" text,
	"recipient_kind" text NOT NULL,
	"recipient_id" text NOT NULL,
	"channel" text,
	"address" text,
	"template" text NOT NULL,
	"params" jsonb NOT NULL,
	"choices" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" text NOT NULL,
	"attempts" integer DEFAULT 0 NOT NULL,
	"last_error" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "officials" (
	"id" text PRIMARY KEY NOT NULL,
	"nip" text NOT NULL,
	"name" text NOT NULL,
	"role_id" text NOT NULL,
	"unit_id" text NOT NULL,
	"superior_id" text,
	"active" boolean DEFAULT true NOT NULL,
	"language" text DEFAULT 'id' NOT NULL,
	"last_assigned_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "officials_nip_unique" UNIQUE("nip")
);
--> statement-breakpoint
CREATE TABLE "processed_events" (
	"key" text PRIMARY KEY NOT NULL,
	"case_id" text,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "sop_definitions" (
	"sop_id" text NOT NULL,
	"version" integer NOT NULL,
	"title" text NOT NULL,
	"definition" jsonb NOT NULL,
	"checksum" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sop_definitions_sop_id_version_pk" PRIMARY KEY("sop_id","version")
);
--> statement-breakpoint
CREATE TABLE "stakeholders" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text,
	"email" text,
	"phone" text,
	"language" text DEFAULT 'id' NOT NULL,
	"consent_version" text,
	"consent_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "step_instances" (
	"id" text PRIMARY KEY NOT NULL,
	"case_id" text NOT NULL,
	"seq" integer NOT NULL,
	"step_id" text NOT NULL,
	"assignee_id" text,
	"on_behalf_of" text,
	"entered_at" timestamp with time zone NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"left_at" timestamp with time zone,
	"outcome" text,
	"actor_id" text,
	"note" text,
	"next_rung" integer DEFAULT 0 NOT NULL,
	"next_timer_at" timestamp with time zone,
	"escalation_level" integer DEFAULT 0 NOT NULL
);
--> statement-breakpoint
CREATE TABLE "ticket_counters" (
	"prefix" text NOT NULL,
	"year" integer NOT NULL,
	"last" integer NOT NULL,
	CONSTRAINT "ticket_counters_prefix_year_pk" PRIMARY KEY("prefix","year")
);
--> statement-breakpoint
CREATE TABLE "units" (
	"id" text PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"time_zone" text DEFAULT 'Asia/Jakarta' NOT NULL,
	"working_hours" jsonb,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "case_events" ADD CONSTRAINT "case_events_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "cases" ADD CONSTRAINT "cases_stakeholder_id_stakeholders_id_fk" FOREIGN KEY ("stakeholder_id") REFERENCES "public"."stakeholders"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_official_id_officials_id_fk" FOREIGN KEY ("official_id") REFERENCES "public"."officials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "delegations" ADD CONSTRAINT "delegations_delegate_id_officials_id_fk" FOREIGN KEY ("delegate_id") REFERENCES "public"."officials"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "officials" ADD CONSTRAINT "officials_unit_id_units_id_fk" FOREIGN KEY ("unit_id") REFERENCES "public"."units"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "step_instances" ADD CONSTRAINT "step_instances_case_id_cases_id_fk" FOREIGN KEY ("case_id") REFERENCES "public"."cases"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "case_events_case" ON "case_events" USING btree ("case_id","id");--> statement-breakpoint
CREATE INDEX "cases_status_opened" ON "cases" USING btree ("status","opened_at");--> statement-breakpoint
CREATE INDEX "cases_stakeholder" ON "cases" USING btree ("stakeholder_id");--> statement-breakpoint
CREATE UNIQUE INDEX "channel_links_address" ON "channel_links" USING btree ("channel","address");--> statement-breakpoint
CREATE INDEX "channel_links_owner" ON "channel_links" USING btree ("owner_kind","owner_id");--> statement-breakpoint
CREATE INDEX "messages_pending" ON "messages" USING btree ("created_at") WHERE "messages"."status" = 'pending';--> statement-breakpoint
CREATE INDEX "messages_case" ON "messages" USING btree ("case_id");--> statement-breakpoint
CREATE INDEX "officials_role_unit" ON "officials" USING btree ("role_id","unit_id");--> statement-breakpoint
CREATE INDEX "step_instances_case" ON "step_instances" USING btree ("case_id","seq");--> statement-breakpoint
CREATE INDEX "step_instances_open_timer" ON "step_instances" USING btree ("next_timer_at") WHERE "step_instances"."left_at" is null;--> statement-breakpoint
CREATE INDEX "step_instances_assignee_open" ON "step_instances" USING btree ("assignee_id") WHERE "step_instances"."left_at" is null;