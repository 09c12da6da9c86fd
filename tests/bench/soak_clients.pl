#!/usr/bin/perl
# soak_clients.pl: the hostile and busy clients of tests/bench/soak.sh, one
# kind per process, for SECONDS; each prints one summary line of key=value
# figures and exits 1 when something the server owed it did not come.
#
#   slowloris PORT N SECONDS GAP  N connections, each sending its set or get
#                                 one byte every GAP seconds and checking the
#                                 reply once the command is whole; one the
#                                 server closes (an idle timeout) is counted
#                                 as closed, not as an error
#   stuck SOCKET N SECONDS        N trace clients that never read a byte
#   garbage SOCKET N SECONDS      N trace clients sending random bytes (short
#                                 lines, and now and then a line far too long),
#                                 reading what comes back, reconnecting every
#                                 3-10 s
#   control SOCKET N SECONDS      N controllers sending a storm of pause, step,
#                                 resume, freeze, thaw, delay and dispatch
#                                 commands, each answer awaited
use strict;
use warnings;
use IO::Select;
use IO::Socket::INET;
use IO::Socket::UNIX;
use Time::HiRes qw(time sleep);

# How long an answer the server owes may take before it counts as missing.
my $ANSWER_TIMEOUT = 10;

my ($kind, $where, $n, $seconds, $gap) = @ARGV;
die "usage: $0 slowloris|stuck|garbage|control PORT|SOCKET N SECONDS [GAP]\n"
	unless defined $seconds && $n =~ /^[1-9][0-9]*$/ && $seconds =~ /^[0-9.]+$/;
my $deadline = time + $seconds;
$SIG{TERM} = sub { $deadline = 0 };
$SIG{PIPE} = 'IGNORE';

# Connects to the trace socket; undef when the server turned us away or is gone.
sub trace_connect {
	return IO::Socket::UNIX->new(Peer => $where, Type => SOCK_STREAM);
}

# Reads what is there without waiting; undef at EOF or an error.
sub read_some {
	my ($s) = @_;
	my $got = sysread($s, my $buf, 65536);
	return (defined $got && $got > 0) ? $buf : undef;
}

if ($kind eq 'slowloris') {
	my ($answered, $errors, $closed, $bytes, @conns) = (0, 0, 0, 0);
	$gap //= 3;
	for my $i (1 .. $n) {
		my $s = IO::Socket::INET->new(PeerAddr => '127.0.0.1', PeerPort => $where, Proto => 'tcp')
			or die "slowloris: cannot connect: $!\n";
		$s->blocking(0);
		# Staggered, so that the bytes trickle in evenly rather than in waves.
		push @conns, { s => $s, key => "slow$$.$i", round => 0, sent => 0, in => '',
			       next => time + $gap * $i / $n };
	}
	# The command a connection sends next (a set, then a get of it), and the reply it wants.
	my $command = sub {
		my ($c) = @_;
		my $r = $c->{round};
		return ("set $c->{key} 0 0 5\r\nslow" . ($r % 10) . "\r\n", "STORED\r\n") if $r % 2 == 0;
		return ("get $c->{key}\r\n", "VALUE $c->{key} 0 5\r\nslow" . (($r - 1) % 10) . "\r\nEND\r\n");
	};
	while (time < $deadline && @conns) {
		for my $c (@conns) {
			my ($cmd, $want) = $command->($c);
			if ($c->{sent} < length $cmd) {
				next if time < $c->{next};
				if (!defined syswrite($c->{s}, substr($cmd, $c->{sent}, 1))) {
					$closed++;
					$c->{dead} = 1;
					next;
				}
				$c->{sent}++;
				$bytes++;
				$c->{next} = time + $gap;
				$c->{asked} = time if $c->{sent} == length $cmd;
				next;
			}
			my $got = sysread($c->{s}, my $buf, 65536);
			if (defined $got ? $got == 0 : !$!{EAGAIN}) {
				$closed++;
				$c->{dead} = 1;
				next;
			}
			$c->{in} .= $buf if $got;
			if (length $c->{in} >= length $want) {
				$c->{in} eq $want ? $answered++ : $errors++;
				print STDERR "slowloris: wanted '$want', got '$c->{in}'\n" if $c->{in} ne $want;
				$c->{round}++;
				$c->{sent} = 0;
				$c->{in} = '';
			} elsif (time - $c->{asked} > $ANSWER_TIMEOUT) {
				print STDERR "slowloris: no reply to '$cmd' in ${ANSWER_TIMEOUT}s\n";
				$errors++;
				$c->{dead} = 1;
			}
		}
		@conns = grep { !$_->{dead} } @conns;
		sleep 0.05;
	}
	print "slowloris conns=$n bytes=$bytes answered=$answered errors=$errors closed=$closed\n";
	exit($errors == 0 && $answered + $closed > 0 ? 0 : 1);
}

if ($kind eq 'stuck') {
	my @held;
	for (1 .. $n) {
		push @held, trace_connect() // die "stuck: cannot connect to $where: $!\n";
	}
	sleep 0.2 while time < $deadline;
	print "stuck clients=$n\n";
	exit 0;
}

if ($kind eq 'garbage') {
	my ($connects, $sent, $answers, $errors, $refused) = (0, 0, 0, 0, 0);
	my $sel = IO::Select->new;
	my @conns;
	while (time < $deadline) {
		@conns = grep { defined } @conns;
		while (@conns < $n) {
			my $s = trace_connect();
			if (!defined $s) {
				$refused++;
				last;
			}
			$s->blocking(0);
			$sel->add($s);
			$connects++;
			push @conns, { s => $s, until => time + 3 + rand 7 };
		}
		# Reads for 50 ms what comes: they keep up, so the server has little waiting for them.
		# Answers among the events are counted where a read starts a line with one (cheap, not
		# exact: the stream is megabytes of events, its snapshot one line per connection).
		for (my $until = time + 0.05; time < $until;) {
			for my $s ($sel->can_read($until - time)) {
				my $buf = read_some($s);
				if (!defined $buf) {
					$sel->remove($s);
					next;
				}
				$answers += () = $buf =~ /^(?:ok|error)/mg;
				if ($buf =~ /^error too many/m) {
					$errors++;
					print STDERR "garbage: refused: too many trace clients\n";
				}
			}
		}
		for my $c (@conns) {
			my $junk = join '', map { chr int rand 256 } 1 .. 1 + int rand 200;
			# Now and then a line far past the 4096 bytes a command may have.
			$junk = 'x' x 9000 if rand() < 0.02;
			$junk .= "\n" if rand() < 0.5;
			my $w = syswrite($c->{s}, $junk);
			$sent += $w if defined $w;
			if (time > $c->{until}) {
				$sel->remove($c->{s});
				close $c->{s};
				$c = undef;
			}
		}
	}
	print "garbage clients=$n connects=$connects bytes=$sent answers=$answers refused=$refused\n";
	exit($refused == 0 && $errors == 0 && $answers > 0 ? 0 : 1);
}

if ($kind eq 'control') {
	my @storm = ('pause', 'step 3', 'step w0 2', 'step main 1', 'resume', 'freeze w1', 'step w1 1',
		     'thaw w1', 'delay w0 1', 'delay w0 0', 'dispatch least', 'pause', 'resume',
		     'dispatch random', 'dispatch rr');
	my ($commands, $oks, $errs, $missing) = (0, 0, 0, 0);
	my @conns;
	for (1 .. $n) {
		my $s = trace_connect() // die "control: cannot connect to $where: $!\n";
		$s->blocking(0);
		push @conns, { s => $s, in => '', i => 0 };
	}
	# Sends one command and waits for its answer line; events in between are read past.
	my $ask = sub {
		my ($c, $cmd) = @_;
		syswrite($c->{s}, "$cmd\n") // return 0;
		$commands++;
		my $sel = IO::Select->new($c->{s});
		my $until = time + $ANSWER_TIMEOUT;
		while (time < $until) {
			while ($c->{in} =~ s/^([^\n]*)\n//) {
				my $line = $1;
				next if $line =~ /^ts=/;
				$line =~ /^ok/ ? $oks++ : $errs++;
				return 1;
			}
			$sel->can_read(0.5) or next;
			my $buf = read_some($c->{s});
			return 0 unless defined $buf;
			$c->{in} .= $buf;
		}
		return 0;
	};
	for my $c (@conns) {
		$ask->($c, 'filter ev=policy') or $missing++;
	}
	while (time < $deadline && $missing == 0) {
		for my $c (@conns) {
			my $cmd = $storm[$c->{i}++ % @storm];
			if (!$ask->($c, $cmd)) {
				print STDERR "control: no answer to '$cmd' in ${ANSWER_TIMEOUT}s\n";
				$missing++;
				last;
			}
		}
		# A storm, yet one the workers get through: the pauses it makes stay short.
		sleep 0.02;
	}
	print "control controllers=$n commands=$commands ok=$oks errors=$errs unanswered=$missing\n";
	exit($missing == 0 && $oks > 0 ? 0 : 1);
}

die "$0: unknown kind '$kind'\n";
