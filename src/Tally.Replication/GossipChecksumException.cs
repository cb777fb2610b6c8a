using Tally.Crdt;

namespace Tally.Replication;

/// <summary>Thrown by <see cref="GossipCodec.Decode(byte[], Tally.Crdt.Serialization.DecodeLimits?)"/> when a
/// message's CRC-32C trailer does not match its bytes (or the message is too short to hold one): the message was
/// damaged on the way and none of it may be merged.</summary>
public sealed class GossipChecksumException(string message) : CrdtFormatException(message);
