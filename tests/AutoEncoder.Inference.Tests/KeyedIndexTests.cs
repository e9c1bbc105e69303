using System.Security.Cryptography;
using AutoEncoder.Inference.Tests.Support;
using AutoEncoder.Tests.Support;
using Xunit;

namespace AutoEncoder.Inference.Tests;

/// <summary>Items named by string keys: search, persistence, and what cannot be mixed or stored.</summary>
public sealed class KeyedIndexTests
{
    private static readonly string[] Keys = ["sku-7", "Überzug", "sku-3", "画像-1"];

    // Four codes in a row on a line: 0, 1, 2, 3.
    private static EmbeddingIndex Keyed()
    {
        var index = EmbeddingIndex.Create(2);
        index.AddRange(Keys, [0, 0, 1, 0, 2, 0, 3, 0]);
        return index;
    }

    [Fact]
    public void A_search_returns_positions_that_name_the_keys()
    {
        EmbeddingIndex index = Keyed();

        Neighbor[] found = index.Search([2.2f, 0], 2);

        Assert.Equal(["sku-3", "画像-1"], found.Select(n => index.KeyOf(n.Id)));
    }

    [Fact]
    public void Equal_distances_are_ordered_as_the_keys_were_added()
    {
        var index = EmbeddingIndex.Create(1);
        index.AddRange(["b", "a", "c"], [1, -1, 1]);

        Assert.Equal(["b", "a", "c"], index.Search([0f], 3).Select(n => index.KeyOf(n.Id)));
    }

    [Fact]
    public void Keys_added_one_by_one_continue_the_positions()
    {
        EmbeddingIndex index = Keyed();

        index.Add("late", [10, 0]);

        Assert.Equal("late", index.KeyOf(index.Search([10f, 0], 1)[0].Id));
    }

    [Fact]
    public void A_saved_keyed_index_loads_with_its_keys()
    {
        EmbeddingIndex index = Keyed();
        index.Partition(2, 1, seed: 0);

        EmbeddingIndex loaded = EmbeddingIndex.Load(new MemoryStream(SavedIndex.Bytes(index)));

        Assert.Equal(Keys, Enumerable.Range(0, 4).Select(i => loaded.KeyOf(i)));
        Assert.Equal(SavedIndex.Bytes(index), SavedIndex.Bytes(loaded));
    }

    [Fact]
    public void Keys_cannot_join_long_ids()
    {
        var index = EmbeddingIndex.Create(2);
        index.Add(5, [0, 0]);

        var error = Assert.Throws<InvalidOperationException>(() => index.Add("five", [1, 1]));

        Assert.Equal("this index holds 1 items added by long id: string keys cannot join them", error.Message);
    }

    [Fact]
    public void Long_ids_cannot_join_keys()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Keyed().Add(5, [1, 1]));

        Assert.Equal("this index holds 4 items added by string key: add more by key", error.Message);
    }

    [Theory]
    [InlineData("sku-7", "expected keys not yet stored, found \"sku-7\", which is stored already")]
    [InlineData("", "key 0: expected 1 to 1024 UTF-8 bytes, found 0")]
    public void A_repeated_or_empty_key_is_refused_and_nothing_is_stored(string key, string message)
    {
        EmbeddingIndex index = Keyed();

        var error = Assert.Throws<ArgumentException>(() => index.Add(key, [5, 5]));

        Assert.StartsWith(message, error.Message);
        Assert.Equal(4, index.Count);
    }

    [Fact]
    public void A_key_repeated_within_one_batch_is_refused_as_such()
    {
        var error = Assert.Throws<ArgumentException>(() => Keyed().AddRange(["x", "x"], [5, 5, 6, 6]));

        Assert.StartsWith("expected keys not yet stored, found \"x\" twice in the batch", error.Message);
    }

    [Fact]
    public void HasKeys_tells_a_keyed_index_from_one_of_long_ids()
    {
        var byId = EmbeddingIndex.Create(2);
        byId.Add(5, [0, 0]);

        Assert.True(Keyed().HasKeys);
        Assert.False(byId.HasKeys);
    }

    [Fact]
    public void A_key_longer_than_1024_utf8_bytes_is_refused()
    {
        var error = Assert.Throws<ArgumentException>(() => Keyed().Add(new string('é', 513), [5, 5]));

        Assert.StartsWith("key 0: expected 1 to 1024 UTF-8 bytes, found 1026", error.Message);
    }

    [Fact]
    public void An_index_of_long_ids_has_no_keys()
    {
        var index = EmbeddingIndex.Create(2);
        index.Add(5, [0, 0]);

        var error = Assert.Throws<InvalidOperationException>(() => index.KeyOf(5));

        Assert.StartsWith("this index holds long ids, not string keys", error.Message);
    }

    [Fact]
    public void A_key_that_is_not_utf8_is_refused_naming_it()
    {
        byte[] forged = SavedIndex.Bytes(Keyed());
        forged[forged.Length - 32 - 1] = 0xFF; // the last byte of the last key
        SHA256.HashData(forged.AsSpan(0, forged.Length - 32)).CopyTo(forged, forged.Length - 32);

        var error = Assert.Throws<InvalidDataException>(() => EmbeddingIndex.Load(new MemoryStream(forged)));

        Assert.Equal("stream: key 3: expected UTF-8, found bytes that are not", error.Message);
    }

    [Fact]
    [Trait("Category", "Fuzz")]
    public void Mutated_keyed_files_load_or_are_refused_as_invalid()
    {
        int accepted = Mutations.Run(SavedIndex.Bytes(Keyed()), 10_000, seed: 9, mutant =>
        {
            EmbeddingIndex loaded = EmbeddingIndex.Load(new MemoryStream(mutant));
            foreach (Neighbor n in loaded.Search([0f, 0f], 4)) loaded.KeyOf(n.Id);
        }, typeof(InvalidDataException));

        // The checksum catches every edit past the header's checks; only edits that change nothing load.
        Assert.InRange(accepted, 0, 100);
    }
}
