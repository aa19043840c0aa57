import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { ApiPageResponse } from '../../common/openapi/page';
import { ProblemResponseDto } from '../../common/problem/problem.dto';
import { Page, PageQueryDto } from '../../common/pagination/page.dto';
import { CurrentUser } from '../decorators/current-user.decorator';
import { Roles } from '../decorators/roles.decorator';
import { UserCreateDto, UsernameParamDto, UserResponseDto, UserUpdateDto } from '../dto/user.dto';
import { MfaService } from '../mfa/mfa.service';
import { AuthenticatedUser } from '../roles';
import { UsersService } from './users.service';

@ApiTags('auth')
@Roles('admin')
@Controller('auth/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly mfa: MfaService,
  ) {}

  @Post()
  @ApiOperation({ operationId: 'createUser', summary: 'Create a staff or admin user' })
  @ApiCreatedResponse({ type: UserResponseDto, description: 'The new user' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'USERNAME_TAKEN' })
  @ApiUnprocessableEntityResponse({
    type: ProblemResponseDto,
    description: 'VALIDATION_FAILED (a username, password or role that does not fit)',
  })
  create(@Body() body: UserCreateDto): Promise<UserResponseDto> {
    return this.users.create(body);
  }

  @Get()
  @ApiOperation({ operationId: 'listUsers', summary: 'List users by username, a page at a time (never their password hashes)' })
  @ApiPageResponse(UserResponseDto, 'A page of users')
  @ApiUnprocessableEntityResponse({ type: ProblemResponseDto, description: 'VALIDATION_FAILED (page or per_page out of range)' })
  list(@Query() query: PageQueryDto): Promise<Page<UserResponseDto>> {
    return this.users.list(query);
  }

  @Patch(':username')
  @ApiOperation({ operationId: 'updateUser', summary: "Change a user's role, active flag or password" })
  @ApiOkResponse({ type: UserResponseDto, description: 'The updated user' })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: 'USER_NOT_FOUND' })
  @ApiConflictResponse({ type: ProblemResponseDto, description: 'CANNOT_DEMOTE_SELF' })
  @ApiUnprocessableEntityResponse({
    type: ProblemResponseDto,
    description: 'VALIDATION_FAILED (no field sent, a field that does not fit, or a username no user can have)',
  })
  update(
    @Param() params: UsernameParamDto,
    @Body() body: UserUpdateDto,
    @CurrentUser() actor: AuthenticatedUser,
  ): Promise<UserResponseDto> {
    return this.users.update(params.username, body, actor);
  }

  @Delete(':username/mfa')
  @HttpCode(204)
  @ApiOperation({
    operationId: 'resetUserMfa',
    summary: "Reset a user's second factor (a lost phone): their tokens stop working; they enrol again at next login",
  })
  @ApiNoContentResponse({ description: 'Reset' })
  @ApiNotFoundResponse({ type: ProblemResponseDto, description: 'USER_NOT_FOUND' })
  @ApiUnprocessableEntityResponse({ type: ProblemResponseDto })
  async resetMfa(@Param() params: UsernameParamDto): Promise<void> {
    await this.mfa.reset(params.username);
  }
}
