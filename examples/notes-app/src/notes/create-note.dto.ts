import { IsString, Matches, MaxLength } from 'class-validator';

export class CreateNoteDto {
  @IsString()
  @MaxLength(2000)
  @Matches(/\S/, { message: 'text must not be blank' })
  text: string;
}
