#!/usr/bin/perl
# Drives the server with Cache::Memcached, a widely used pure-Perl client.
# The server comes from MC_SERVER=host:port (with-server.sh sets it).
use strict;
use warnings;

use Cache::Memcached;
use IO::Socket::INET;
use Test::More;

my $server = $ENV{MC_SERVER}
	or die "MC_SERVER is not set: run this through with-server.sh, or set it to host:port\n";

my $mc = Cache::Memcached->new({ servers => [$server] });
# Unique per run, so reruns against a long-lived server don't collide.
my $p = "pc$$.";

# Raw "get" on a fresh socket: returns (flags, value) or () on a miss,
# to see what the server itself stored, below the client's decoding.
sub raw_get {
	my ($key) = @_;
	my $s = IO::Socket::INET->new(PeerAddr => $server, Timeout => 10)
		or die "cannot connect to $server: $!\n";
	binmode $s;
	print $s "get $key\r\n";
	my $head = <$s>;
	die "no reply to raw get\n" unless defined $head;
	return () if $head eq "END\r\n";
	$head =~ /^VALUE \Q$key\E (\d+) (\d+)\r\n\z/ or die "bad reply to raw get: $head";
	my ($flags, $len) = ($1, $2);
	my $data = '';
	while (length($data) < $len + 2) {
		my $n = read($s, $data, $len + 2 - length($data), length($data));
		die "short read in raw get\n" unless $n;
	}
	my $end = <$s>;
	die "no END after raw get\n" unless defined $end && $end eq "END\r\n";
	close $s;
	return ($flags, substr($data, 0, $len));
}

# set / get
ok($mc->set("${p}a", "apple"), 'set');
is($mc->get("${p}a"), 'apple', 'get returns what set stored');
ok($mc->set("${p}a", "avocado"), 'set over an existing key');
is($mc->get("${p}a"), 'avocado', 'get returns the new value');
is($mc->get("${p}missing"), undef, 'get of a missing key is undef');
ok($mc->set("${p}empty", ""), 'set of an empty value');
is($mc->get("${p}empty"), '', 'get of an empty value');

# add / replace
ok(!$mc->add("${p}a", "x"), 'add of an existing key fails');
is($mc->get("${p}a"), 'avocado', '... and leaves the value alone');
ok($mc->add("${p}b", "banana"), 'add of a new key');
is($mc->get("${p}b"), 'banana', '... stores it');
ok(!$mc->replace("${p}nope", "x"), 'replace of a missing key fails');
is($mc->get("${p}nope"), undef, '... and does not create it');
ok($mc->replace("${p}b", "blueberry"), 'replace of an existing key');
is($mc->get("${p}b"), 'blueberry', '... stores the new value');

# delete
ok($mc->delete("${p}b"), 'delete of an existing key');
is($mc->get("${p}b"), undef, '... removes it');
ok(!$mc->delete("${p}b"), 'delete of a missing key fails');

# incr / decr
ok($mc->set("${p}n", 10), 'set a counter');
is($mc->incr("${p}n"), 11, 'incr by 1');
is($mc->incr("${p}n", 89), 100, 'incr by 89');
is($mc->decr("${p}n", 58), 42, 'decr by 58');
# memcached decrements in place and pads the shorter number with spaces.
like($mc->get("${p}n"), qr/\A42 *\z/, 'get sees the counter');
is($mc->decr("${p}n", 1000), 0, 'decr stops at 0');
is($mc->incr("${p}nocounter"), undef, 'incr of a missing key is undef');
is($mc->decr("${p}nocounter"), undef, 'decr of a missing key is undef');
ok($mc->set("${p}max", "18446744073709551615"), 'set a counter to 2**64-1');
is($mc->incr("${p}max"), 0, 'incr wraps around at 2**64');
ok($mc->set("${p}word", "hello"), 'set a non-number');
is($mc->incr("${p}word"), undef, 'incr of a non-number fails');
is($mc->get("${p}word"), 'hello', '... and leaves it alone');

# get_multi with many keys: Cache::Memcached asks for them all in one
# "get k1 k2 ..." line, several KB long here.
my %want = map { ("${p}multi.$_" => "value $_ " . ('x' x ($_ % 50))) } 1 .. 300;
my $long = "${p}" . ('L' x (250 - length $p)); # the longest key allowed
$want{$long} = 'long key';
my $stored = grep { $mc->set($_, $want{$_}) } sort keys %want;
is($stored, scalar(keys %want), 'set ' . scalar(keys %want) . ' keys');
my @ask = (sort(keys %want), map { "${p}absent.$_" } 1 .. 20);
my $got = $mc->get_multi(@ask);
is(scalar(keys %$got), scalar(keys %want), 'get_multi returns only the keys that exist');
is_deeply($got, \%want, 'get_multi returns every value intact');

# A 500 KB value, with every byte value and "\r\nEND\r\n" inside, so the
# server must go by the length and not scan for terminators.
my $big = join('', map { chr($_ % 256) } 0 .. 499_999);
substr($big, 250_000, 7) = "\r\nEND\r\n";
ok($mc->set("${p}big", $big), 'set a 500 KB value');
my $big_back = $mc->get("${p}big");
is(length($big_back // ''), length($big), '... get returns all of it');
ok(defined $big_back && $big_back eq $big, '... byte for byte');

# Flags: the client marks a serialised (Storable) reference with flag 1
# and a gzipped value with flag 2; the server must keep them as given.
my $ref = { list => [1, 2, 3], name => 'mcscope', nested => { ok => 1 } };
ok($mc->set("${p}ref", $ref), 'set a reference');
is_deeply($mc->get("${p}ref"), $ref, '... get returns an equal structure');
my ($flags) = raw_get("${p}ref");
is($flags, 1, '... stored with flags 1');

my $zmc = Cache::Memcached->new({ servers => [$server], compress_threshold => 1000 });
my $text = "compressible text. " x 5000;
ok($zmc->set("${p}zip", $text), 'set a compressible value with compression on');
is($zmc->get("${p}zip"), $text, '... get returns it');
($flags, my $raw) = raw_get("${p}zip");
is($flags, 2, '... stored with flags 2');
ok(defined $raw && length($raw) < length($text), '... and stored compressed');

done_testing();
