namespace Attune.Core.Matching;

/// <summary>
/// Two or three therapists offered to a client waiting at intake, for the client to choose one by a link on their phone.
/// Open until the client chooses, the link expires, or a newer offer replaces it.
/// </summary>
public sealed class MatchOffer
{
    public const int Fewest = 2;
    public const int Most = 3;

    private MatchOffer() { }

    public MatchOffer(Guid organisationId, Guid clientId, IReadOnlyList<Guid> clinicianIds, Guid offeredBy, DateTimeOffset at, DateTimeOffset expiresAt)
    {
        var distinct = clinicianIds.Distinct().ToList();
        if (distinct.Count is < Fewest or > Most)
            throw new DomainRuleException($"Offer the client {Fewest} or {Most} therapists to choose from.", "offer");
        Id = Guid.NewGuid();
        OrganisationId = organisationId;
        ClientId = clientId;
        Choices = string.Join(',', distinct.Select(c => c.ToString("N")));
        OfferedBy = offeredBy;
        OfferedAt = at;
        ExpiresAt = expiresAt;
    }

    public Guid Id { get; private set; }
    public Guid OrganisationId { get; private set; }
    public Guid ClientId { get; private set; }
    /// <summary>The therapists offered, in the order of the ranking when offered (ids, comma-separated).</summary>
    public string Choices { get; private set; } = "";
    public Guid OfferedBy { get; private set; }
    public DateTimeOffset OfferedAt { get; private set; }
    public DateTimeOffset ExpiresAt { get; private set; }
    public DateTimeOffset? WithdrawnAt { get; private set; }
    public Guid? ChosenClinicianId { get; private set; }
    public DateTimeOffset? ChosenAt { get; private set; }

    public IReadOnlyList<Guid> Clinicians => Choices.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(Guid.Parse).ToList();

    public bool IsOpen(DateTimeOffset at) => WithdrawnAt is null && ChosenClinicianId is null && at < ExpiresAt;

    /// <summary>Replaced by a newer offer, or the client was assigned another way: its link stops working.</summary>
    public void Withdraw(DateTimeOffset at)
    {
        if (WithdrawnAt is null && ChosenClinicianId is null)
            WithdrawnAt = at;
    }

    public void Choose(Guid clinicianId, DateTimeOffset at)
    {
        if (!IsOpen(at))
            throw new DomainRuleException("This choice is no longer open: it was made, it expired, or the clinic sent a newer one.");
        if (!Clinicians.Contains(clinicianId))
            throw new DomainRuleException("Choose one of the therapists offered.", "clinician");
        ChosenClinicianId = clinicianId;
        ChosenAt = at;
    }
}
