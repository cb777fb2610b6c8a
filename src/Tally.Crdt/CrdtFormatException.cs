namespace Tally.Crdt;

/// <summary>Thrown by the decoders for input that is not a valid encoding: truncated, oversized, duplicated ids,
/// bad numbers, unknown version. The message says which rule was broken and where.</summary>
public class CrdtFormatException(string message, Exception? inner = null) : FormatException(message, inner);
