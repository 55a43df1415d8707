/** Hand-written transcripts of one short product meeting, in each format Steward reads. */

export const TEAMS_VTT = `WEBVTT

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/12-0
00:00:01.000 --> 00:00:06.500
<v Ann Lee>Thanks everyone for joining. Today we need to settle the launch date and the pricing page.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/13-0
00:00:06.500 --> 00:00:12.000
<v Ann Lee>Um, the marketing team wants the launch in April, uh, but engineering needs two more weeks.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/14-0
00:00:12.000 --> 00:00:18.000
<v Bob Stone>Engineering can hit the end of April if we cut the export feature from the first release.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/15-0
00:00:17.500 --> 00:00:18.500
<v Ann Lee>Yeah.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/16-0
00:00:19.000 --> 00:00:25.000
<v Bob Stone>The export feature can ship in May as a follow-up release without blocking the launch.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/17-0
00:00:25.000 --> 00:00:30.000
<v Ann Lee>OK, so we agreed to launch on April 28 without the export feature.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/18-0
00:00:30.000 --> 00:00:36.000
<v Ann Lee>Sarah, can you update the pricing page copy by Friday?</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/19-0
00:00:36.000 --> 00:00:39.000
<v Sarah Kim>Sure, I'll have it done by Friday.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/20-0
00:00:39.000 --> 00:00:45.000
<v Bob Stone>I'll send the revised release plan to the leadership team tomorrow.</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/21-0
00:00:45.000 --> 00:00:50.000
<v Sarah Kim>Who is going to brief the support team on the export delay?</v>

0d5b9b2c-1a4e-4c8e-9f7a-2f1c3e4d5a6b/22-0
00:00:50.000 --> 00:00:53.000
<v Ann Lee>Good question, I don't know yet.</v>
`;

/** Zoom's export: numeric cue ids, the speaker as "Name: " inside the cue text. */
export const ZOOM_VTT = `WEBVTT

1
00:00:00.500 --> 00:00:04.000
Priya Shah: Let's go with the blue design for the landing page.

2
00:00:04.000 --> 00:00:07.000
Tom Berg: Agreed, it tested better with customers.

3
00:00:07.000 --> 00:00:12.000
Priya Shah: Tom, could you send the final mockups to the agency next Tuesday?

4
00:00:12.000 --> 00:00:14.000
Tom Berg: Will do.
`;

export const SRT = `1
00:00:01,000 --> 00:00:05,000
Ann: We decided to move the weekly sync to Thursdays.

2
00:00:05,000 --> 00:00:09,000
Raj: I'll update the calendar invite before Monday.

3
00:00:09,000 --> 00:00:13,000
Ann: Can someone check whether the room is free at ten?

4
00:00:13,000 --> 00:00:15,000
Raj: Yes, it is free, I looked this morning.
`;

export const PLAIN_TEXT = `Maria Lopez: Good morning. The vendor contract renewal is due at the end of the month.
Maria Lopez: Legal flagged two clauses about data retention
that we need to renegotiate.
Kevin: I'll draft the counter-proposal for the retention clauses by next Wednesday.
Maria Lopez: Kevin, can you also loop in the security team?
Kevin: Sure.
Maria Lopez: What happens to our archived data if we do not renew?
`;

export const JSON_TRANSCRIPT = JSON.stringify([
  { speaker: 'Lena', text: 'The hiring plan for the data team needs sign-off this week.', start: 0 },
  { speaker: 'Omar', text: 'We agreed on two senior engineers and one analyst for the second quarter.', start: 6 },
  { speaker: 'Lena', text: 'Omar will post the job descriptions on Monday.', start: 12 },
  { speaker: 'Omar', text: 'Do we have budget approval for the analyst role?', start: 18 },
]);

export const MEETING_DATE = new Date('2026-03-03T10:00:00+01:00'); // a Tuesday

/** Nine cues: a launch date agreed, three owners (one asked by name), and one open question. */
export const LAUNCH_VTT = `WEBVTT

00:00:01.000 --> 00:00:08.000
<v Maya Chen>Okay, let's get started. The main thing today is the launch date for the new billing page.

00:00:08.000 --> 00:00:15.000
<v Tom Berg>Um, QA finished the last round yesterday, so, you know, engineering is ready whenever marketing is.

00:00:15.000 --> 00:00:22.000
<v Priya Shah>I think marketing needs one more week for the announcement, so Tuesday March 17 works for us.

00:00:22.000 --> 00:00:28.000
<v Maya Chen>Great, then we launch on Tuesday March 17. Priya, please announce that to customers.

00:00:28.000 --> 00:00:34.000
<v Priya Shah>Sure, I'll send the customer announcement on Monday.

00:00:34.000 --> 00:00:40.000
<v Maya Chen>Tom, can you send the test results to the whole team by Friday?

00:00:40.000 --> 00:00:45.000
<v Tom Berg>Yes, I'll send the test results by Friday.

00:00:45.000 --> 00:00:52.000
<v Maya Chen>I'll update the pricing page before the launch. One open question: do we need legal to review the new terms?

00:00:52.000 --> 00:00:58.000
<v Tom Berg>I don't know, I'll ask around.
`;

/** The launch meeting happened on Thursday 5 March 2026. */
export const LAUNCH_DATE = new Date('2026-03-05T10:00:00+01:00');
