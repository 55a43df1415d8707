import { describe, expect, it } from 'vitest';
import { leadSpeaker } from '../../src/notes/decisions.ts';
import { makeNotesLocal } from '../../src/notes/local.ts';
import { parseTranscript, type Turn } from '../../src/notes/transcript.ts';

/** "Speaker: text" lines → turns. */
function turnsOf(lines: string[]): Turn[] {
  const parsed = parseTranscript(lines.join('\n'), { format: 'txt' });
  if (!parsed.ok) throw new Error(parsed.error.message);
  return parsed.turns;
}

const owners = (turns: Turn[]) => makeNotesLocal(turns).actionItems.map((a) => [a.owner, a.task]);

describe('decisions stated the way design meetings state them', () => {
  it('takes a rule from the chair who opened the meeting even when a presenter talks a little more', () => {
    const turns = turnsOf([
      'Nora: Good morning everyone, let us get started with the second design meeting.',
      // Ivan talks more than Nora in words, but Nora opened and runs the meeting.
      'Ivan: I looked at the market research and the trends in detail, and people want something that feels fresh, easy to hold, with few buttons, and they really care about the look more than anything else.',
      'Nora: We have new requirements we are not going to be using teletext, apparently it is outdated now.',
      'Ivan: Fine by me, and I think the colours should follow the company image, bright and simple, with a logo that people will recognise in the shop.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => d.text)).toEqual([
      'We have new requirements we are not going to be using teletext, apparently it is outdated now.',
    ]);
  });

  it('reads a run-on sentence clause by clause and takes the proposal a second speaker accepts', () => {
    const turns = turnsOf([
      'Nora: Okay, next item on the agenda is the power supply for the device.',
      'Ivan: Well we talked about the batteries and the cost of them and the fact that people keep losing them in drawers and under the sofa and all that, we should make it rechargeable with a docking station',
      'Lea: Hmm, docking stations are not cheap though.',
      'Nora: Yeah, that sounds good.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => [d.text, d.sourceTurns])).toEqual([
      ['We should make it rechargeable with a docking station.', [1, 3]],
    ]);
  });

  it('takes the accepted plan as the decision, not the reasons said before the proposal nor its frame', () => {
    const turns = turnsOf([
      'Mia: The vendor sent two quotes for the new laptops.',
      'Raj: The second one ships faster, so I suggest we order the second quote this week.',
      'Mia: Sounds good. Raj, please send me the order form.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => [d.text, d.sourceTurns])).toEqual([
      ['We order the second quote this week.', [1, 2]],
    ]);
    const framed = turnsOf([
      'Mia: Nobody owns the launch page yet.',
      'Raj: I would suggest that the design team owns the launch page.',
      'Mia: Agreed.',
    ]);
    expect(makeNotesLocal(framed).decisions.map((d) => d.text)).toEqual(['The design team owns the launch page.']);
  });

  it('does not take a proposal with a day as decided until someone agrees', () => {
    const turns = turnsOf([
      'Mia: We need a date for the offsite.',
      'Raj: Most people are back by then, so I propose we hold it on Friday May 8.',
      'Mia: Let me check the budget first.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });

  it('does not take a rule from a participant nobody answers', () => {
    const turns = turnsOf([
      'Nora: Good morning everyone, let us get started with the design meeting.',
      'Ivan: The case has to be made of rubber.',
      'Nora: Let us look at the budget now.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });
});

describe('decisions: what is not one, and one per turn', () => {
  const chaired = (lines: string[]) =>
    turnsOf(['Nora: Good morning everyone, welcome to the conceptual design meeting of our project.', ...lines]);

  it('joins the clauses of one turn into one decision', () => {
    const turns = chaired([
      'Ivan: Okay.',
      "Nora: We're not going to use teletext. Our control is only going to be for the television.",
      'Ivan: Right.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => d.text)).toEqual([
      "We're not going to use teletext; our control is only going to be for the television.",
    ]);
  });

  it('finds the chair\'s rule inside a long sentence that opens with "you…", and "we don\'t really want…"', () => {
    const turns = chaired([
      'Ivan: Okay.',
      'Nora: So, you will have to think about it when you design the remote control, and also the remote control will only be used for television, so you will not need any buttons for the recorder or the garage door or things like that.',
      'Ivan: Right, that keeps the number of buttons down for us.',
      "Nora: For the design we don't really want to use the teletext anymore.",
      'Ivan: Fine.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => d.text)).toEqual([
      'Also the remote control will only be used for television.',
      "For the design we don't really want to use the teletext anymore.",
    ]);
  });

  it('does not take a judgement ("it will be interesting…") or the clock ("time to get back") as a decision', () => {
    const turns = chaired([
      'Ivan: Okay.',
      'Nora: It will be interesting to see what is inside the old remotes.',
      'Ivan: Sure.',
      'Nora: We should, I think it is time for us to get back to our offices.',
      'Ivan: Yeah.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });

  it('needs a yes for a hedged rule, even from the chair', () => {
    const hedged = chaired([
      'Ivan: Okay.',
      'Nora: Maybe the case has to be made of rubber.',
      'Ivan: The colours are next.',
    ]);
    expect(makeNotesLocal(hedged).decisions).toEqual([]);
    const plain = chaired(['Ivan: Okay.', 'Nora: The case has to be made of rubber.', 'Ivan: The colours are next.']);
    expect(makeNotesLocal(plain).decisions.map((d) => d.text)).toEqual(['The case has to be made of rubber.']);
  });

  it('takes the chair\'s "maybe we can stay with…" once someone says yes, and not without the yes', () => {
    const accepted = chaired([
      'Ivan: Wood feels warm but it is hard to shape.',
      'Nora: So maybe we can stay with wood for the case.',
      'Ivan: Yeah, okay.',
    ]);
    expect(makeNotesLocal(accepted).decisions.map((d) => d.text)).toEqual([
      'Maybe we can stay with wood for the case.',
    ]);
    const open = chaired([
      'Ivan: Wood feels warm but it is hard to shape.',
      'Nora: So maybe we can stay with wood for the case.',
      'Ivan: The colours are next on my list.',
    ]);
    expect(makeNotesLocal(open).decisions).toEqual([]);
  });

  it('reads "we\'re going for" and "is gonna be" as choices', () => {
    const turns = chaired([
      'Ivan: Okay.',
      "Nora: I think we're going for the kinetic battery then.",
      'Ivan: Good.',
      'Nora: The top part is gonna be the LCD screen.',
      'Lea: Fine.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => d.text)).toEqual([
      "I think we're going for the kinetic battery then.",
      'The top part is gonna be the LCD screen.',
    ]);
  });

  it('reads the contracted "it\'s gonna be" and "the case\'ll have" from the chair as choices', () => {
    const turns = chaired([
      'Ivan: Okay.',
      "Nora: It's gonna be a single curved case in yellow rubber.",
      'Ivan: Good.',
      "Nora: And the case'll have the logo on the bottom.",
      'Lea: Fine.',
    ]);
    expect(makeNotesLocal(turns).decisions.map((d) => d.text)).toEqual([
      "It's gonna be a single curved case in yellow rubber.",
      "The case'll have the logo on the bottom.",
    ]);
  });

  it("leaves out running the meeting, wished-for qualities and the last meeting's minutes", () => {
    const turns = chaired([
      'Nora: The minutes: we decided on a young target group and no teletext.',
      ...Array.from(
        { length: 12 },
        (_, i) => `${i % 2 ? 'Ivan' : 'Lea'}: Point ${i + 1} of the market research about remote controls.`,
      ),
      "Nora: Let's go to the Industrial Designer.",
      'Ivan: Yes.',
      'Nora: It has to be intuitive.',
      'Lea: Yes.',
    ]);
    expect(makeNotesLocal(turns).decisions).toEqual([]);
  });
});

describe('open questions that are not', () => {
  it('takes "I don\'t know" inside an answer as a hedge, not as leaving the question open', () => {
    const answered = turnsOf([
      'Nora: Will the kinetic battery last a whole evening of watching television?',
      "Ivan: Yes it will last for days, the watch ones run for years, I don't know the exact figure but it is plenty.",
    ]);
    expect(makeNotesLocal(answered).openQuestions).toEqual([]);
    const deferred = turnsOf([
      'Nora: Will the kinetic battery last a whole evening of watching television?',
      "Ivan: I don't know, we would have to test it with the factory.",
    ]);
    expect(makeNotesLocal(deferred).openQuestions.map((q) => q.text)).toEqual([
      'Will the kinetic battery last a whole evening of watching television?',
    ]);
  });

  it('leaves out the chair moving on ("what about the materials?") and the meeting\'s own clock', () => {
    const turns = turnsOf([
      'Nora: What about the materials?',
      'Ivan: It depends, plastic is cheap.',
      "Nora: I'm not sure how long we've got left for the materials discussion.",
      'Ivan: Okay.',
    ]);
    expect(makeNotesLocal(turns).openQuestions).toEqual([]);
  });
});

describe('action items handed out without the word "action"', () => {
  it('gives "can someone…" to nobody in particular', () => {
    const turns = turnsOf([
      'Nora: So can someone calculate how many units we have to sell to reach the profit target?',
      'Ivan: Hmm, that is a lot of units.',
    ]);
    expect(owners(turns)).toEqual([
      ['Unassigned', 'Calculate how many units we have to sell to reach the profit target'],
    ]);
  });

  it('gives "can someone…?" to whoever promises it, and none when it is answered on the spot', () => {
    const promised = turnsOf([
      'Nora: Can someone check the prices of rechargeable batteries?',
      "Ivan: Yes, I'll do it after lunch.",
    ]);
    expect(owners(promised)).toEqual([['Ivan', 'Check the prices of rechargeable batteries']]);
    const answered = turnsOf([
      'Nora: Can someone check whether the room is free at ten?',
      'Ivan: Yes, it is free, I looked this morning.',
    ]);
    expect(owners(answered)).toEqual([]);
  });

  it('gives the chair\'s "for next time you have to…" to the person who says "I will"', () => {
    const turns = turnsOf([
      'Nora: Good morning everyone, this is our kick-off meeting for the new remote control.',
      'Ivan: Morning.',
      'Nora: For the next time you have to put the laptop exactly on the square.',
      'Lea: I will.',
    ]);
    expect(owners(turns)).toEqual([['Lea', 'Put the laptop exactly on the square']]);
  });

  it('does not hand out a generic "you have to press…" from someone who is not chairing', () => {
    const turns = turnsOf([
      'Nora: Good morning everyone, this is our kick-off meeting for the new remote control.',
      'Ivan: With the old ones you have to look at the buttons for ages before you find the right one.',
      'Lea: True.',
    ]);
    expect(owners(turns)).toEqual([]);
  });

  it('gives "we\'ll have to find out…" to nobody in particular, and "if we have to check…" to no one', () => {
    const turns = turnsOf([
      "Nora: We'll have to find out how much the solar cells cost.",
      'Ivan: True, they looked expensive in the catalogue.',
      'Lea: I wonder if we have to check the weight as well.',
      'Ivan: Probably not now.',
    ]);
    expect(owners(turns)).toEqual([['Unassigned', 'Find out how much the solar cells cost']]);
  });

  it('gives a wrap-up "you will have to…" to the one who answers it, and to everyone when nobody does', () => {
    const opening = [
      'Nora: Good morning everyone, this is our kick-off meeting for the new remote control.',
      'Ivan: Morning.',
      'Lea: Hello.',
    ];
    const answered = turnsOf([...opening, 'Nora: So you will have to work on the components.', 'Ivan: I will.']);
    expect(owners(answered)).toEqual([['Ivan', 'Work on the components']]);
    const unanswered = turnsOf([...opening, 'Nora: So you will have to work on the components.']);
    expect(owners(unanswered)).toEqual([['Everyone', 'Work on the components']]);
  });

  it('gives the chair\'s "you will propose…" to the one addressed, and not "you\'ll have your role"', () => {
    const opening = [
      'Nora: Good morning everyone, this is our kick-off meeting for the new remote control.',
      'Ivan: Morning.',
    ];
    const proposed = turnsOf([
      ...opening,
      'Lea: The interface is my part.',
      'Nora: So you will propose us a layout that is simple to use.',
      'Lea: Okay.',
    ]);
    expect(owners(proposed)).toEqual([['Lea', 'Propose us a layout that is simple to use']]);
    const roles = turnsOf([
      ...opening,
      'Lea: Hello.',
      'Nora: You will have your own role for the next meeting.',
      'Lea: Okay.',
    ]);
    expect(owners(roles)).toEqual([]);
  });

  it('gives "can you look into…?" to the one who answers, also after the asker explains the request', () => {
    const turns = turnsOf([
      'Nora: Can you look into the company logo? Things that the customers associate with the company.',
      'Lea: Current ones, sure, there are a few.',
    ]);
    expect(owners(turns)).toEqual([['Lea', 'Look into the company logo']]);
  });

  it('gives no task for a hypothetical "if…, would you…?" or for "I\'ll let Lea speak first"', () => {
    const turns = turnsOf([
      'Nora: I will let our designer Lea present first.',
      'Ivan: If you already had a remote that works, would you replace it with another one?',
      'Lea: Yeah, why not.',
    ]);
    expect(owners(turns)).toEqual([]);
  });

  it('does not give a request to someone who turns it down', () => {
    const turns = turnsOf(['Nora: Can you look into the company logo?', "Lea: No, I can't this week."]);
    expect(owners(turns)).toEqual([]);
  });

  it('reads "I could put it in the shared folder" as a task, and "let me put it this way" as none', () => {
    const turns = turnsOf([
      'Nora: I will be able to pull it up, or I could put it in the shared folder.',
      'Ivan: Let me put it this way, the slides were long.',
    ]);
    expect(owners(turns)).toEqual([['Nora', 'Put it in the shared folder']]);
  });
});

describe('open questions', () => {
  it('keeps the clause that states an unknown, not the monologue around it', () => {
    const turns = turnsOf([
      'Ivan: We looked at the batteries and the chargers and the cases, I am not sure how much a rechargeable battery would cost, but the rest is cheap enough for the budget.',
      'Nora: Okay.',
    ]);
    expect(makeNotesLocal(turns).openQuestions.map((q) => q.text)).toEqual([
      'I am not sure how much a rechargeable battery would cost.',
    ]);
  });

  it('reads a question written without its question mark, and "I don\'t really know what…" as an unknown', () => {
    const turns = turnsOf([
      'Ivan: Would you have the screen on the remote, or would you have it on the television.',
      'Nora: That is something we could decide later.',
      'Lea: The buttons are the other thing, I do not really know what the technical functions cover.',
      'Nora: Okay.',
    ]);
    expect(makeNotesLocal(turns).openQuestions.map((q) => q.text)).toEqual([
      'Would you have the screen on the remote, or would you have it on the television?',
      'I do not really know what the technical functions cover.',
    ]);
  });

  it('takes "Could you send…" without its question mark as a request, and "Do the slides…" as no question', () => {
    const turns = turnsOf([
      'Nora: Could you send the revised budget to the finance team.',
      'Ivan: Sure, I will.',
      'Nora: Do the slides for the review with the new numbers.',
      'Lea: Fine.',
    ]);
    const notes = makeNotesLocal(turns);
    expect(notes.actionItems.map((a) => [a.owner, a.task])).toContainEqual([
      'Ivan',
      'Send the revised budget to the finance team',
    ]);
    expect(notes.openQuestions).toEqual([]);
  });

  it('does not list an unknown imagined in an if-clause', () => {
    const turns = turnsOf([
      'Ivan: If you want to record a programme next week and you are not sure if you will be at home for it.',
      'Nora: Okay.',
    ]);
    expect(makeNotesLocal(turns).openQuestions).toEqual([]);
  });

  it('does not list a question the meeting goes on to decide', () => {
    const turns = turnsOf([
      'Nora: Should the remote control have a touch screen or normal buttons for the channels?',
      'Ivan: I do not know, good question.',
      'Lea: Touch screens break easily.',
      'Nora: So we agreed: normal buttons, no touch screen.',
    ]);
    const notes = makeNotesLocal(turns);
    expect(notes.decisions.map((d) => d.text)).toEqual(['We agreed: normal buttons, no touch screen.']);
    expect(notes.openQuestions).toEqual([]);
  });
});

describe('who runs the meeting, and the work handed out as it closes', () => {
  /** A design discussion long enough to have an opening and a close: `count` exchanges. */
  const discussion = (count: number): string[] =>
    Array.from({ length: count }, (_, i) => [
      `Industrial Designer: The case option number ${i + 1} would use a slightly different curve and a rubber grip along the side.`,
      `Project Manager: Right, and how heavy would number ${i + 1} be?`,
    ]).flat();

  it('takes the chair who opens and moderates in many short turns, though a presenter says more', () => {
    const turns = turnsOf([
      'Project Manager: Welcome to the detailed design meeting, let us look at the prototype.',
      ...discussion(6),
      'Marketing: Fine.',
    ]);
    expect(leadSpeaker(turns)).toBe('Project Manager');
  });

  it('takes the one who closes the meeting and takes the most turns when someone else spoke first', () => {
    const turns = turnsOf([
      'Marketing: Is this microphone on, can anybody hear me now?',
      'Project Manager: Yes.',
      ...discussion(6),
      'Project Manager: Good, that is all for today, thank you all for coming.',
    ]);
    expect(leadSpeaker(turns)).toBe('Project Manager');
  });

  it('gives each part of the close to the role named or to the one who answers, and nothing before the close', () => {
    const turns = turnsOf([
      'Project Manager: Welcome to the conceptual design meeting.',
      'Marketing: Thanks, good to be here again today.',
      // Said in the middle of the meeting: discussion, not the work handed out.
      'Project Manager: Sebastian, your task is the colour scheme, is what I thought at first.',
      'Marketing: Maybe, but not today.',
      ...discussion(12),
      'Project Manager: Okay, the next meeting starts in thirty minutes.',
      'Project Manager: So you will have to work on the look and feel design.',
      'User Interface: Yes, that is clear to me.',
      'Project Manager: And the Industrial Designer to work on the clay prototype.',
      'Industrial Designer: Okay, that is fine with me.',
      'Project Manager: Sebastian, your task is the product evaluation.',
      'Marketing: Sure, that is fine with me.',
      'Project Manager: See you all in thirty minutes then.',
    ]);
    expect(owners(turns)).toEqual([
      ['User Interface', 'Work on the look and feel design'],
      ['Industrial Designer', 'Work on the clay prototype'],
      ['Marketing', 'Work on the product evaluation'],
    ]);
  });

  it('reads a name said inside the hand-out, a restarted hand-out, and "And Florent to…" in the close', () => {
    const turns = turnsOf([
      'Project Manager: Welcome to the detailed design meeting.',
      'Marketing: Thanks, good to be here again today.',
      ...discussion(12),
      'Project Manager: Okay, the next meeting starts in thirty minutes.',
      'Project Manager: Uh you will have to work more, Baba, on the soft touch of the buttons.',
      'Industrial Designer: Yeah, I can do that.',
      'Project Manager: So you will have, Paula, you will have to sketch the new layout of the screen.',
      'User Interface: Okay, will do.',
      'Project Manager: And Florent to work on the product evaluation.',
      'Marketing: Sure, that is fine with me.',
      'Project Manager: Some instructions will be sent to you by your personal coach.',
      'Marketing: Okay.',
    ]);
    expect(owners(turns)).toEqual([
      ['Industrial Designer', 'Work more on the soft touch of the buttons'],
      ['User Interface', 'Sketch the new layout of the screen'],
      ['Marketing', 'Work on the product evaluation'],
    ]);
  });
});
