using System.Text.Json;
using Attune.Core.CheckIns;
using Attune.Core.Clinic;
using Attune.Core.Endings;
using Attune.Core.Goals;
using Attune.Core.Notes;
using Attune.Core.Reflections;
using Attune.Core.Ruptures;
using Attune.Core.Relationships;
using Attune.Core.Scoring;
using Attune.Core.Risk;
using Attune.Core.Signals;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace Attune.Data;

/// <summary>The one database context. The provider (SQLite or PostgreSQL) is chosen by the host.</summary>
public sealed class AttuneDbContext(DbContextOptions<AttuneDbContext> options)
    : IdentityDbContext<StaffUser, IdentityRole<Guid>, Guid>(options), IDataProtectionKeyContext
{
    public DbSet<Organisation> Organisations => Set<Organisation>();
    public DbSet<Clinician> Clinicians => Set<Clinician>();
    public DbSet<Client> Clients => Set<Client>();
    public DbSet<TherapeuticRelationship> Relationships => Set<TherapeuticRelationship>();
    public DbSet<TherapySession> Sessions => Set<TherapySession>();
    public DbSet<PhaseChange> PhaseChanges => Set<PhaseChange>();
    public DbSet<IntakeRecord> Intakes => Set<IntakeRecord>();
    public DbSet<RelationshipEnding> Endings => Set<RelationshipEnding>();
    public DbSet<GoalLevelRating> GoalRatings => Set<GoalLevelRating>();
    public DbSet<CheckIn> CheckIns => Set<CheckIn>();
    public DbSet<InstrumentResponse> Responses => Set<InstrumentResponse>();
    public DbSet<AuditEvent> AuditEvents => Set<AuditEvent>();
    public DbSet<BreakGlassAccess> BreakGlass => Set<BreakGlassAccess>();
    public DbSet<ClinicalAlert> Alerts => Set<ClinicalAlert>();
    public DbSet<AlertEvidence> AlertEvidence => Set<AlertEvidence>();
    public DbSet<TreatmentGoal> Goals => Set<TreatmentGoal>();
    public DbSet<SessionReflection> Reflections => Set<SessionReflection>();
    public DbSet<RuptureRecord> Ruptures => Set<RuptureRecord>();
    public DbSet<SessionNote> Notes => Set<SessionNote>();
    public DbSet<Attune.Core.Supervision.SupervisionQuestion> SupervisionQuestions => Set<Attune.Core.Supervision.SupervisionQuestion>();
    public DbSet<Attune.Core.Supervision.ConsultationNote> ConsultationNotes => Set<Attune.Core.Supervision.ConsultationNote>();
    public DbSet<Attune.Core.Supervision.SupervisionSession> SupervisionSessions => Set<Attune.Core.Supervision.SupervisionSession>();
    public DbSet<Attune.Core.Wellbeing.WellbeingCheck> WellbeingChecks => Set<Attune.Core.Wellbeing.WellbeingCheck>();
    public DbSet<Attune.Core.Supervision.GrowthGoal> GrowthGoals => Set<Attune.Core.Supervision.GrowthGoal>();
    public DbSet<RiskReview> RiskReviews => Set<RiskReview>();
    public DbSet<SafetyPlan> SafetyPlans => Set<SafetyPlan>();
    public DbSet<OutboxMessage> Outbox => Set<OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<ApiClient> ApiClients => Set<ApiClient>();
    public DbSet<StaffSession> StaffSessions => Set<StaffSession>();
    public DbSet<RateLimitCount> RateLimitCounts => Set<RateLimitCount>();
    public DbSet<ResponseSeries> ResponseSeries => Set<ResponseSeries>();
    public DbSet<PrivacyDisclosure> Disclosures => Set<PrivacyDisclosure>();
    public DbSet<Attune.Core.Matching.TherapistProfile> TherapistProfiles => Set<Attune.Core.Matching.TherapistProfile>();
    public DbSet<Attune.Core.Matching.ClientMatchPreferences> MatchPreferences => Set<Attune.Core.Matching.ClientMatchPreferences>();
    public DbSet<Attune.Core.Matching.MatchAssignment> MatchAssignments => Set<Attune.Core.Matching.MatchAssignment>();
    public DbSet<Attune.Core.Matching.MatchOffer> MatchOffers => Set<Attune.Core.Matching.MatchOffer>();
    public DbSet<Attune.Core.Matching.ClinicProblemDomain> ClinicProblemDomains => Set<Attune.Core.Matching.ClinicProblemDomain>();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// Seals an audit event's fields (<see cref="AuditEvent.Seal"/>) with a key kept outside the database. When set (the
    /// web app), a save writes its new events sealed and without a place in the chain, in the same transaction as the
    /// change they record, without taking the chain's turn (a transaction holding its head, which would make every
    /// writer in the clinic wait for every other); a background pass chains them in the order they were saved. When
    /// not set (the command line), events are chained as they are saved.
    /// </summary>
    public Func<AuditEvent, string>? EventSeal { get; set; }

    /// <summary>Saves with any new audit events in the same transaction as the change they record: sealed (see <see cref="EventSeal"/>) or chained.</summary>
    public override async Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        var audit = NewAuditEvents();
        if (audit.Count == 0)
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        if (EventSeal is { } seal)
        {
            foreach (var e in audit)
            {
                e.At = AuditChain.Stored(e.At);
                e.Seal = seal(e);
            }
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        if (Database.CurrentTransaction is not null)
        {
            await AuditChain.LinkAsync(this, audit, cancellationToken);
            return await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        }
        await using var tx = await Database.BeginTransactionAsync(cancellationToken);
        await AuditChain.LinkAsync(this, audit, cancellationToken);
        var saved = await base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
        await tx.CommitAsync(cancellationToken);
        return saved;
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess) => NewAuditEvents().Count == 0
        ? base.SaveChanges(acceptAllChangesOnSuccess)
        : throw new InvalidOperationException("Audit events are chained on save; use SaveChangesAsync.");

    private List<AuditEvent> NewAuditEvents()
    {
        // The trail is append-only: only events written before the chain existed may be given their place.
        if (ChangeTracker.Entries<AuditEvent>().Any(e => e.State == EntityState.Deleted
                || (e.State == EntityState.Modified && e.Property(x => x.Sequence).OriginalValue is not null)))
            throw new InvalidOperationException("Audit events are never changed or deleted.");
        return ChangeTracker.Entries<AuditEvent>().Where(e => e.State == EntityState.Added).Select(e => e.Entity).ToList();
    }

    protected override void ConfigureConventions(ModelConfigurationBuilder builder)
    {
        // SQLite cannot compare or order DateTimeOffset text; store it as a sortable number there.
        if (Database.ProviderName == "Microsoft.EntityFrameworkCore.Sqlite")
            builder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }

    protected override void OnModelCreating(ModelBuilder b)
    {
        base.OnModelCreating(b);
        // Staff passkeys (WebAuthn credentials), as Identity's schema version 3 maps them. Mapped here rather than by
        // setting IdentityOptions.Stores.SchemaVersion: the context reads that from the host's services, which the
        // design-time factories and command-line tools do not have, so the model would differ between them.
        b.Entity<StaffUser>().HasMany<IdentityUserPasskey<Guid>>().WithOne().HasForeignKey(p => p.UserId).IsRequired();
        b.Entity<IdentityUserPasskey<Guid>>(p =>
        {
            p.HasKey(x => x.CredentialId);
            p.ToTable("AspNetUserPasskeys");
            p.Property(x => x.CredentialId).HasMaxLength(1024); // WebAuthn: at most 1023 bytes
            p.OwnsOne(x => x.Data).ToJson();
        });

        // Domain objects make their own ids, so a new one found through a navigation is an insert, not an update.
        foreach (var type in new[] { typeof(Organisation), typeof(Clinician), typeof(Client), typeof(TherapeuticRelationship), typeof(TherapySession), typeof(PhaseChange), typeof(CheckIn), typeof(InstrumentResponse), typeof(ClinicalAlert), typeof(TreatmentGoal), typeof(SessionReflection), typeof(RuptureRecord), typeof(SessionNote), typeof(SessionNoteVersion), typeof(IntakeRecord), typeof(RelationshipEnding), typeof(GoalLevelRating), typeof(RiskReview), typeof(SafetyPlan), typeof(SafetyPlanVersion), typeof(AlertEvidence), typeof(Attune.Core.Matching.TherapistProfile), typeof(Attune.Core.Matching.ClientMatchPreferences), typeof(Attune.Core.Matching.MatchAssignment), typeof(Attune.Core.Matching.MatchOffer), typeof(Attune.Core.Matching.ClinicProblemDomain), typeof(Attune.Core.Supervision.SupervisionQuestion), typeof(Attune.Core.Supervision.ConsultationNote), typeof(Attune.Core.Supervision.ConsultationNoteVersion), typeof(Attune.Core.Supervision.SupervisionSession), typeof(Attune.Core.Supervision.SupervisionAttendance), typeof(Attune.Core.Supervision.SupervisionSessionClient), typeof(Attune.Core.Wellbeing.WellbeingCheck), typeof(Attune.Core.Supervision.GrowthGoal) })
            b.Entity(type).Property(nameof(Organisation.Id)).ValueGeneratedNever();

        b.Entity<Organisation>(e =>
        {
            e.Property(x => x.Name).HasMaxLength(200);
            e.Property(x => x.RiskProtocol).HasMaxLength(Organisation.MaxRiskProtocolLength);
            e.Property(x => x.EmployeeAssistanceContact).HasMaxLength(Organisation.MaxEmployeeAssistanceContact);
            e.Property(x => x.WellbeingIntervalDays).HasDefaultValue(Organisation.DefaultWellbeingIntervalDays);
            e.Property(x => x.SignalLevels).HasConversion(JsonConverter<SignalSettings>()!, JsonComparer<SignalSettings>());
            e.Property(x => x.CrisisResources).HasConversion(JsonConverter<CrisisResourceList>()!, JsonComparer<CrisisResourceList>());
            e.ComplexProperty(x => x.Measures, m =>
            {
                m.Property(x => x.OutcomeMeasure).HasMaxLength(64);
                m.Property(x => x.AllianceMeasure).HasMaxLength(64);
            });
        });

        b.Entity<Clinician>(e =>
        {
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.OrganisationId);
        });

        b.Entity<Client>(e =>
        {
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.Property(x => x.Email).HasMaxLength(254);
            e.Property(x => x.Pronouns).HasMaxLength(40);
            e.Property(x => x.PreferredContact).HasConversion<string>().HasMaxLength(10);
            e.Property(x => x.Phone).HasMaxLength(40);
            e.Property(x => x.Reference).HasMaxLength(100);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.OrganisationId);
        });

        b.Entity<TherapeuticRelationship>(e =>
        {
            e.Property(x => x.Phase).HasConversion<string>().HasMaxLength(20);
            e.ComplexProperty(x => x.Measures, m =>
            {
                m.Property(x => x.OutcomeMeasure).HasMaxLength(64);
                m.Property(x => x.AllianceMeasure).HasMaxLength(64);
            });
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.PreviousRelationshipId).OnDelete(DeleteBehavior.Restrict);
            e.HasMany(x => x.Sessions).WithOne().HasForeignKey(s => s.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.PhaseChanges).WithOne().HasForeignKey(s => s.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(x => x.Sessions).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Navigation(x => x.PhaseChanges).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Ignore(x => x.IsOpen);
            e.Ignore(x => x.AttendedSessionCount);
            e.HasIndex(x => new { x.ClinicianId, x.Phase });
            e.HasIndex(x => x.ClientId);
            // The caseload's question, "this clinic's open relationships of these clinicians", answered from the open
            // ones alone: its time does not grow with the clinic's closed history (issue 22).
            e.HasIndex(x => new { x.OrganisationId, x.ClinicianId }, "IX_Relationships_Open").HasFilter("\"Phase\" <> 'Closed'");
        });

        b.Entity<TherapySession>(e =>
        {
            e.Property(x => x.Modality).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Attendance).HasConversion<string>().HasMaxLength(20);
            e.HasIndex(x => new { x.RelationshipId, x.StartsAt }).IsUnique();
            // A relationship's attended sessions in order with what the analytics read of them, from the index alone.
            e.HasIndex(x => new { x.RelationshipId, x.Number, x.Modality, x.Id });
        });

        b.Entity<PhaseChange>(e =>
        {
            e.Property(x => x.From).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.To).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Reason).HasMaxLength(500);
        });

        b.Entity<IntakeRecord>(e =>
        {
            e.Property(x => x.Pacing).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Input).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Impression).HasConversion<string>().HasMaxLength(20);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            // One intake record per relationship; saving again updates it.
            e.HasIndex(x => x.RelationshipId).IsUnique();
        });

        b.Entity<RelationshipEnding>(e =>
        {
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Reason).HasConversion<string>().HasMaxLength(30);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.ReferredToRelationshipId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<CheckIn>().WithMany().HasForeignKey(x => x.FinalCheckInId).OnDelete(DeleteBehavior.SetNull);
            // A relationship ends once.
            e.HasIndex(x => x.RelationshipId).IsUnique();
        });

        b.Entity<GoalLevelRating>(e =>
        {
            e.HasOne<TreatmentGoal>().WithMany().HasForeignKey(x => x.GoalId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapySession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => new { x.GoalId, x.RatedAt });
        });

        b.Entity<CheckIn>(e =>
        {
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
            // Two reminder passes at once (two nodes, or a pass and a retry) cannot both send one.
            e.Property(x => x.ReminderSentAt).IsConcurrencyToken();
            e.Property(x => x.LinkVersion).IsConcurrencyToken();
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapySession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => x.RelationshipId);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            // The scheduler makes each session's before and after check-in once, even when two passes race.
            e.HasIndex(x => new { x.SessionId, x.Kind }).IsUnique().HasFilter("\"Kind\" <> 'AdHoc'");
        });

        b.Entity<InstrumentResponse>(e =>
        {
            e.Property(x => x.Instrument).HasMaxLength(64);
            e.Property(x => x.Band).HasMaxLength(100);
            e.Property(x => x.Score).HasPrecision(9, 2);
            e.Property(x => x.Answers).HasConversion(JsonConverter<Dictionary<string, decimal>>(), JsonComparer<Dictionary<string, decimal>>());
            e.Property(x => x.Result).HasConversion(JsonConverter<ScoreResult>(), JsonComparer<ScoreResult>());
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<CheckIn>().WithMany().HasForeignKey(x => x.CheckInId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<TherapySession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.SetNull);
            // One response per instrument per check-in: a double submit cannot store two.
            e.HasIndex(x => new { x.CheckInId, x.Instrument }).IsUnique();
            // A relationship's scores of one instrument in order; with the session and score too, so that reading a whole
            // clinic's scores (the analytics, the expected-response bands) needs the index alone, not the wide rows.
            e.HasIndex(x => new { x.RelationshipId, x.Instrument, x.CompletedAt, x.SessionId, x.Score });
            // A relationship's risk answers, which the signals read at every check-in: found without visiting its other responses.
            e.HasIndex(x => x.RelationshipId, "IX_Responses_Risk").HasFilter("\"IsRisk\"");
            // Keeps ResponseSeries (each provider's migration ResponseSeriesSummary creates it).
            e.ToTable(t => t.HasTrigger("Responses_Series"));
        });

        b.Entity<ResponseSeries>(e =>
        {
            e.HasKey(x => new { x.RelationshipId, x.Instrument });
            e.Property(x => x.Instrument).HasMaxLength(64);
            e.Ignore(x => x.ScoreSum);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<ClinicalAlert>(e =>
        {
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(30);
            e.Property(x => x.Status).HasConversion<string>().HasMaxLength(20);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<InstrumentResponse>().WithMany().HasForeignKey(x => x.ResponseId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => new { x.ClinicianId, x.Status });
            // Risk alerts not yet resolved, found from the alerts (a handful) rather than from every closed relationship:
            // the caseload lists those left on closed episodes, and its time must not grow with the clinic's history.
            e.HasIndex(x => x.RelationshipId, "IX_Alerts_OpenUrgent").HasFilter("\"Urgent\" AND \"Status\" <> 'Resolved'");
            // One alert per problem: a signal found again is the same alert.
            e.HasIndex(x => new { x.RelationshipId, x.Key }).IsUnique();
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.Explanation).HasMaxLength(500);
            e.Property(x => x.Action).HasConversion<string>().HasMaxLength(40);
            e.HasIndex(x => new { x.OrganisationId, x.CreatedAt });
        });

        b.Entity<AlertEvidence>(e =>
        {
            e.ToTable("AlertEvidence");
            e.HasOne<ClinicalAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<InstrumentResponse>().WithMany().HasForeignKey(x => x.ResponseId).OnDelete(DeleteBehavior.SetNull);
            e.Property(x => x.Key).HasMaxLength(100);
            e.Property(x => x.Explanation).HasMaxLength(500);
            e.HasIndex(x => x.AlertId);
        });

        b.Entity<RiskReview>(e =>
        {
            e.Property(x => x.Level).HasConversion<string>().HasMaxLength(20);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ClinicalAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
            // One review resolves one risk alert.
            e.HasIndex(x => x.AlertId).IsUnique();
            e.HasIndex(x => x.RelationshipId);
        });

        b.Entity<Attune.Core.Matching.TherapistProfile>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ClinicianId).IsUnique();
            e.Property(x => x.Offers).HasConversion(JsonConverter<Dictionary<string, List<string>>>(), JsonComparer<Dictionary<string, List<string>>>());
            e.Property(x => x.SupervisionOffers).HasConversion(JsonConverter<Dictionary<string, List<string>>>(), JsonComparer<Dictionary<string, List<string>>>());
            e.Property(x => x.SupervisionWants).HasConversion(JsonConverter<List<Attune.Core.Matching.ClientPreference>>(), JsonComparer<List<Attune.Core.Matching.ClientPreference>>());
            e.Property(x => x.Fee).HasPrecision(10, 2);
        });

        b.Entity<Attune.Core.Matching.MatchAssignment>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => x.RelationshipId).IsUnique();
            // A client is assigned from intake once: two coordinators at the same moment cannot both assign them.
            e.HasIndex(x => x.ClientId).IsUnique();
        });

        b.Entity<Attune.Core.Matching.ClinicProblemDomain>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Cascade);
            e.Property(x => x.Key).HasMaxLength(Attune.Core.Matching.ClinicProblemDomain.MaxName);
            e.Property(x => x.Name).HasMaxLength(Attune.Core.Matching.ClinicProblemDomain.MaxName);
            e.Property(x => x.InstrumentId).HasMaxLength(100);
            // One domain per name and per measure in a clinic.
            e.HasIndex(x => new { x.OrganisationId, x.Key }).IsUnique();
            e.HasIndex(x => new { x.OrganisationId, x.InstrumentId }).IsUnique();
        });

        b.Entity<Attune.Core.Matching.MatchOffer>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ClientId);
            e.Ignore(x => x.Clinicians);
            e.Property(x => x.Choices).HasMaxLength(200);
        });

        b.Entity<Attune.Core.Matching.ClientMatchPreferences>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.ClientId).IsUnique();
        });

        b.Entity<SafetyPlan>(e =>
        {
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.PlanId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(x => x.Versions).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Ignore(x => x.Current);
            // One plan per client; a change is a new version of it.
            e.HasIndex(x => x.ClientId).IsUnique();
        });

        b.Entity<SafetyPlanVersion>(e =>
        {
            e.ToTable("SafetyPlanVersions");
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            // Two saves racing cannot both become version n.
            e.HasIndex(x => new { x.PlanId, x.Number }).IsUnique();
            e.HasIndex(x => x.RelationshipId);
        });

        b.Entity<SessionReflection>(e =>
        {
            e.Property(x => x.Tension).HasConversion<string>().HasMaxLength(20);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapySession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
            // One reflection per session: saving again revises it.
            e.HasIndex(x => x.SessionId).IsUnique();
            // A relationship's reflections, the latest first (the signals read the latest few).
            e.HasIndex(x => new { x.RelationshipId, x.UpdatedAt });
        });

        b.Entity<SessionNote>(e =>
        {
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapySession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.NoteId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(x => x.Versions).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Ignore(x => x.Current);
            // One note per session; an edit is a new version of it.
            e.HasIndex(x => x.SessionId).IsUnique();
            e.HasIndex(x => x.RelationshipId);
        });

        b.Entity<SessionNoteVersion>(e =>
        {
            e.ToTable("NoteVersions");
            // Two saves racing cannot both become version n.
            e.HasIndex(x => new { x.NoteId, x.Number }).IsUnique();
        });

        // Questions brought to supervision and the supervisor's consultation notes. About a client, they go with the
        // client's episode (erasure deletes the episode, and they with it); about an alert, with the alert.
        b.Entity<Attune.Core.Supervision.SupervisionQuestion>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<ClinicalAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.Cascade);
            e.Ignore(x => x.IsOpen);
            e.HasIndex(x => new { x.SupervisorId, x.AnsweredAt });
            e.HasIndex(x => x.ClinicianId);
            e.HasIndex(x => x.RelationshipId);
        });

        b.Entity<Attune.Core.Supervision.ConsultationNote>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<Attune.Core.Supervision.SupervisionQuestion>().WithMany().HasForeignKey(x => x.QuestionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.Versions).WithOne().HasForeignKey(v => v.NoteId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(x => x.Versions).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Ignore(x => x.Current);
            // One answer per question; revising it is a new version.
            e.HasIndex(x => x.QuestionId).IsUnique();
            e.HasIndex(x => x.ClinicianId);
            e.HasIndex(x => x.RelationshipId);
        });

        b.Entity<Attune.Core.Supervision.ConsultationNoteVersion>(e =>
        {
            e.ToTable("ConsultationNoteVersions");
            e.HasIndex(x => new { x.NoteId, x.Number }).IsUnique();
        });

        // The supervision sessions log: who was there (each supervisee's signature) and the clients discussed.
        b.Entity<Attune.Core.Supervision.SupervisionSession>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Format).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.MeetingLink).HasMaxLength(Attune.Core.Supervision.SupervisionSession.MaxMeetingLink);
            e.HasMany(x => x.Attendees).WithOne().HasForeignKey(a => a.SessionId).OnDelete(DeleteBehavior.Cascade);
            e.HasMany(x => x.ClientsDiscussed).WithOne().HasForeignKey(c => c.SessionId).OnDelete(DeleteBehavior.Cascade);
            e.Navigation(x => x.Attendees).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.Navigation(x => x.ClientsDiscussed).UsePropertyAccessMode(PropertyAccessMode.Field);
            e.HasIndex(x => new { x.SupervisorId, x.StartsAt });
        });

        b.Entity<Attune.Core.Supervision.SupervisionAttendance>(e =>
        {
            e.ToTable("SupervisionAttendances");
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
            e.HasIndex(x => new { x.SessionId, x.ClinicianId }).IsUnique();
            e.HasIndex(x => x.ClinicianId);
        });

        b.Entity<Attune.Core.Supervision.SupervisionSessionClient>(e =>
        {
            e.ToTable("SupervisionSessionClients");
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.SessionId, x.ClientId }).IsUnique();
            e.HasIndex(x => x.ClientId);
        });

        // A clinician's own wellbeing checks: theirs alone (their supervisor sees a check only when they share it).
        b.Entity<Attune.Core.Wellbeing.WellbeingCheck>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Cascade);
            e.Ignore(x => x.Mean);
            e.Ignore(x => x.ProQol);
            e.HasIndex(x => new { x.ClinicianId, x.CompletedAt });
            e.HasIndex(x => new { x.OrganisationId, x.CompletedAt });
        });

        // Growth goals a clinician and their supervisor agree.
        b.Entity<Attune.Core.Supervision.GrowthGoal>(e =>
        {
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.SupervisorId).OnDelete(DeleteBehavior.Restrict);
            e.Property(x => x.Measure).HasConversion<string>().HasMaxLength(40);
            e.Property(x => x.Target).HasPrecision(9, 2);
            e.Ignore(x => x.Agreed);
            e.HasIndex(x => x.ClinicianId);
            e.HasIndex(x => x.SupervisorId);
        });

        b.Entity<RuptureRecord>(e =>
        {
            e.Property(x => x.Marker).HasConversion<string>().HasMaxLength(40);
            e.Property(x => x.NoticedBy).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Resolution).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.RecoveryDescription).HasMaxLength(300);
            e.Property<List<RepairStrategy>>("_strategies").HasColumnName("Strategies").HasMaxLength(1000)
                .HasConversion(JsonConverter<List<RepairStrategy>>(), JsonComparer<List<RepairStrategy>>());
            e.Ignore(x => x.Strategies);
            e.Ignore(x => x.Category);
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasOne<TherapySession>().WithMany().HasForeignKey(x => x.SessionId).OnDelete(DeleteBehavior.SetNull);
            e.HasOne<ClinicalAlert>().WithMany().HasForeignKey(x => x.AlertId).OnDelete(DeleteBehavior.SetNull);
            e.HasIndex(x => x.RelationshipId);
        });

        b.Entity<TreatmentGoal>(e =>
        {
            e.Property(x => x.Kind).HasConversion<string>().HasMaxLength(20);
            e.Property(x => x.Agreement).HasConversion<string>().HasMaxLength(20).IsConcurrencyToken();
            e.HasOne<TherapeuticRelationship>().WithMany().HasForeignKey(x => x.RelationshipId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.RelationshipId);
            e.Ignore(x => x.NeedsConversation);
            e.Ignore(x => x.HasScale);
        });

        b.Entity<PrivacyDisclosure>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Reason).HasMaxLength(40);
            e.HasIndex(x => x.ClientId);
        });

        b.Entity<StaffSession>(e =>
        {
            e.Property(x => x.Id).HasMaxLength(64);
            e.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.UserId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => x.UserId);
            e.HasIndex(x => x.ExpiresAt);
        });

        b.Entity<RateLimitCount>(e =>
        {
            e.HasKey(x => x.Key);
            e.Property(x => x.Key).HasMaxLength(64);
            e.HasIndex(x => x.WindowStart);
        });

        b.Entity<OutboxMessage>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.Channel).HasMaxLength(20);
            e.Property(x => x.To).HasMaxLength(254);
            e.Property(x => x.Subject).HasMaxLength(200);
            e.Property(x => x.Body).HasMaxLength(4000);
            e.Property(x => x.LastError).HasMaxLength(200);
            e.Property(x => x.Kind).HasMaxLength(40);
            e.Property(x => x.ClaimedBy).HasMaxLength(100);
            e.HasIndex(x => x.SentAt);
            e.HasIndex(x => x.ClientId);
        });

        b.Entity<StaffUser>(e =>
        {
            e.Property(x => x.DisplayName).HasMaxLength(200);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Clinician>().WithMany().HasForeignKey(x => x.ClinicianId).OnDelete(DeleteBehavior.Restrict);
        });

        // OpenIddict's applications (client ids, hashed secrets, permitted scopes); tokens are Data Protection tokens
        // and are not stored.
        b.UseOpenIddict<Guid>();
        b.Entity<ApiClient>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.Property(x => x.ClientId).HasMaxLength(100);
            e.Property(x => x.Name).HasMaxLength(200);
            e.HasIndex(x => x.ClientId).IsUnique();
            e.HasIndex(x => x.OrganisationId);
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<StaffUser>().WithMany().HasForeignKey(x => x.StaffUserId).OnDelete(DeleteBehavior.Cascade);
        });

        b.Entity<BreakGlassAccess>(e =>
        {
            e.Property(x => x.Id).ValueGeneratedNever();
            e.HasOne<Organisation>().WithMany().HasForeignKey(x => x.OrganisationId).OnDelete(DeleteBehavior.Restrict);
            e.HasOne<Client>().WithMany().HasForeignKey(x => x.ClientId).OnDelete(DeleteBehavior.Cascade);
            e.HasIndex(x => new { x.OrganisationId, x.At });
        });

        b.Entity<AuditEvent>(e =>
        {
            e.Property(x => x.ActorKind).HasMaxLength(20);
            e.Property(x => x.Action).HasMaxLength(40);
            e.Property(x => x.EntityType).HasMaxLength(60);
            e.Property(x => x.RemoteAddress).HasMaxLength(64);
            e.Property(x => x.Hash).HasMaxLength(64);
            e.Property(x => x.Seal).HasMaxLength(400);
            e.Property(x => x.Detail).HasMaxLength(AuditDetail.MaxLength);
            // Two writers can never take the same place in the chain: the second insert fails instead of forking it.
            e.HasIndex(x => x.Sequence).IsUnique();
            e.HasIndex(x => new { x.OrganisationId, x.At });
            // The reads waiting for their place, found by the chaining pass without reading the trail.
            e.HasIndex(x => x.Id, "IX_AuditEvents_Pending").HasFilter("\"Sequence\" IS NULL");
            e.HasIndex(x => x.ClientId);
        });
    }

    private static ValueConverter<T, string> JsonConverter<T>() where T : class => new(
        v => JsonSerializer.Serialize(v, Json),
        v => JsonSerializer.Deserialize<T>(v, Json)!);

    private static ValueComparer<T> JsonComparer<T>() where T : class => new(
        (a, c) => JsonSerializer.Serialize(a, Json) == JsonSerializer.Serialize(c, Json),
        v => JsonSerializer.Serialize(v, Json).GetHashCode(StringComparison.Ordinal),
        v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Json), Json)!);
}
