namespace Tally.Crdt;

/// <summary>Shared validation for identifiers. Ids travel in URL paths, JSON keys and the binary format, so they are
/// restricted to a URL-safe ASCII alphabet with a length cap; that also bounds what a decoder may be asked to hold.</summary>
static class IdRules
{
    public static bool IsValid(string? value, int maxLength, bool allowColonAndTilde)
    {
        if (string.IsNullOrEmpty(value) || value.Length > maxLength)
        {
            return false;
        }
        if (!char.IsAsciiLetterOrDigit(value[0]))
        {
            return false;
        }
        foreach (var c in value)
        {
            var ok = char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' || (allowColonAndTilde && c is ':' or '~');
            if (!ok)
            {
                return false;
            }
        }
        return true;
    }
}
